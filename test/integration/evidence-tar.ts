/** Reading and editing the members of an evidence tar in place, for the tamper tests. */

/** Where each member's content starts in a ustar file, and its size. */
export function members(
  file: Buffer,
): Map<string, { header: number; start: number; size: number }> {
  const found = new Map<string, { header: number; start: number; size: number }>();
  for (let pos = 0; pos + 512 <= file.length;) {
    const h = file.subarray(pos, pos + 512);
    if (h.every((x) => x === 0)) break;
    const name = h.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(h.subarray(124, 135).toString('latin1'), 8);
    found.set(name, { header: pos, start: pos + 512, size });
    pos += 512 + Math.ceil(size / 512) * 512;
  }
  return found;
}

/** Replaces the first `from` inside member `name` with `to` (same length). */
export function editMember(name: string, from: string, to: string): (copy: Buffer) => void {
  return (copy) => {
    const m = members(copy).get(name);
    if (m === undefined) throw new Error(`no member ${name}`);
    const at = copy.subarray(m.start, m.start + m.size).indexOf(from);
    if (at === -1 || from.length !== to.length) throw new Error(`${from} not in ${name}`);
    copy.write(to, m.start + at, 'latin1');
  };
}
