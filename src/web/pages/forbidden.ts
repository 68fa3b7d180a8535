/** 403 for a logged-in account without the role a page needs. */
import type { ReviewerRole } from '../../core/reviewer-role.js';
import { html, page, type Viewer } from '../html.js';

const WHAT: Readonly<Record<ReviewerRole, string>> = {
  reviewer: 'sessions and recordings',
  approver: 'access requests',
};

export function forbiddenPage(viewer: Viewer, role: ReviewerRole): string {
  return page(
    { title: 'Forbidden', reviewer: viewer },
    html`<h1>Forbidden</h1>
      <p class="error" role="alert">
        This account may not see ${WHAT[role]}: that needs the ${role} role (an admin gives it with
        <code>gatehouse reviewer set ${viewer.name} --role …</code>).
      </p>`,
  );
}
