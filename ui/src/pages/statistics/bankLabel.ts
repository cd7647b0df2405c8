/** A bank's name on a line of figures; the line without a bank is the other banks' total,
 * named in the reader's language (the service's own label is bilingual, for the province). */
export function bankLabel(t: (key: string) => string, line: { bank: string; bank_name: string }): string {
  return line.bank ? line.bank_name : t("statistics.otherBanks");
}
