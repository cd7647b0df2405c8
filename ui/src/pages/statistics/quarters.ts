/** The quarter a report page opens on: the last one that is over on the business date
 * (what a city files), and the years the picker offers. */
export function defaultQuarter(businessDate: string): { year: number; quarter: number } {
  const year = Number(businessDate.slice(0, 4));
  const month = Number(businessDate.slice(5, 7));
  const running = Math.floor((month - 1) / 3) + 1;
  return running === 1 ? { year: year - 1, quarter: 4 } : { year, quarter: running - 1 };
}

/** From the pilot's first year (2015) to the business date's year, newest first. */
export function quarterYears(businessDate: string): number[] {
  const last = Number(businessDate.slice(0, 4));
  const years: number[] = [];
  for (let y = last; y >= 2015; y--) years.push(y);
  return years;
}
