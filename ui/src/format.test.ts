import { describe, expect, it } from "vitest";
import { fractionFromPercent, percent, sumAmounts, yuan } from "./format";

describe("formats", () => {
  it("money in the Chinese style, from decimal text", () => {
    expect(yuan("1000000.00")).toBe("¥1,000,000.00");
    expect(yuan("4712.5")).toBe("¥4,712.50");
    expect(yuan("0.05")).toBe("¥0.05");
    expect(yuan("-10000.00")).toBe("-¥10,000.00");
  });
  it("rates as percentages and back, exactly", () => {
    expect(percent("0.05655")).toBe("5.655%");
    expect(percent("0.02")).toBe("2%");
    expect(percent("0.0435")).toBe("4.35%");
    expect(percent("1.5")).toBe("150%");
    expect(fractionFromPercent("5.655")).toBe("0.05655");
    expect(fractionFromPercent("2")).toBe("0.02");
    expect(fractionFromPercent("0.5")).toBe("0.005");
    expect(fractionFromPercent("12")).toBe("0.12");
  });
  it("sums amounts exactly", () => {
    expect(sumAmounts("0.10", "0.20")).toBe("0.30");
    expect(sumAmounts("4712.50", "81195.44")).toBe("85907.94");
    expect(sumAmounts("1.00", "-10000.01")).toBe("-9999.01");
  });
});
