/** "1000000.00" -> "¥1,000,000.00" (Chinese finance style). Works on the decimal text, never a float. */
export function yuan(amount: string | null | undefined): string {
  if (amount == null || amount === "") return "";
  const negative = amount.startsWith("-");
  const [int, frac = "00"] = amount.replace("-", "").split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}¥${grouped}.${frac.padEnd(2, "0").slice(0, 2)}`;
}

/** "0.05655" -> "5.655%" without floating-point noise. */
export function percent(fraction: string | null | undefined): string {
  if (fraction == null || fraction === "") return "";
  const [int, frac = ""] = fraction.split(".");
  const all = int + frac.padEnd(2, "0");
  const point = int.length + 2;
  const whole = all.slice(0, point).replace(/^0+(?=\d)/, "") || "0";
  const rest = all.slice(point).replace(/0+$/, "");
  return rest ? `${whole}.${rest}%` : `${whole}%`;
}

/** "5.655" (percent typed by a person) -> "0.05655" (the service's fraction). */
export function fractionFromPercent(text: string): string {
  const t = text.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return t;
  const [int, frac = ""] = t.split(".");
  const padded = int.padStart(3, "0");
  const w = padded.slice(0, -2).replace(/^0+(?=\d)/, "") || "0";
  const f = (padded.slice(-2) + frac).replace(/0+$/, "");
  return f ? `${w}.${f}` : w;
}

/** Exact sum of decimal amounts (through integer fen), as decimal text. */
export function sumAmounts(...amounts: string[]): string {
  const fen = amounts.reduce((acc, a) => {
    const [int, frac = ""] = a.replace("-", "").split(".");
    const v = BigInt(int || "0") * 100n + BigInt((frac + "00").slice(0, 2));
    return acc + (a.startsWith("-") ? -v : v);
  }, 0n);
  const abs = fen < 0n ? -fen : fen;
  return `${fen < 0n ? "-" : ""}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
}
