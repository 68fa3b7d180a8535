/** `WHERE a AND b …` for the conditions given, or nothing when there are none. */
export const whereSql = (where: readonly string[]): string =>
  where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
