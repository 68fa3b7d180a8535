import { describe, expect, it } from 'vitest';
import { loginLinkUrl, reviewPageOrigin } from '../../src/core/review-links.js';

describe('reviewPageOrigin', () => {
  it('is web.publicUrl when set, whatever the page listens on', () => {
    const origin = reviewPageOrigin('https://review.example.com', { host: '0.0.0.0', port: 8080 });
    expect(origin).toBe('https://review.example.com');
    expect(loginLinkUrl(origin, 'tok')).toBe('https://review.example.com/login/link?token=tok');
  });

  it.each([
    ['127.0.0.1', 'http://127.0.0.1:8080'],
    ['0.0.0.0', 'http://127.0.0.1:8080'],
    ['::', 'http://127.0.0.1:8080'],
    ['::1', 'http://[::1]:8080'],
    ['review.internal', 'http://review.internal:8080'],
  ])('without one, is the listen address %s as a link', (host, origin) => {
    expect(reviewPageOrigin(null, { host, port: 8080 })).toBe(origin);
  });
});
