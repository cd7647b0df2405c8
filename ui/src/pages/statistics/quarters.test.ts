import { describe, expect, it } from "vitest";
import { defaultQuarter, quarterYears } from "./quarters";

describe("the quarter a report opens on", () => {
  it("is the last quarter that is over", () => {
    expect(defaultQuarter("2016-12-31")).toEqual({ year: 2016, quarter: 3 });
    expect(defaultQuarter("2016-10-01")).toEqual({ year: 2016, quarter: 3 });
    expect(defaultQuarter("2016-09-30")).toEqual({ year: 2016, quarter: 2 });
  });
  it("is last year's fourth in the first quarter", () => {
    expect(defaultQuarter("2017-02-10")).toEqual({ year: 2016, quarter: 4 });
  });
  it("offers the pilot's years, newest first", () => {
    expect(quarterYears("2017-02-10")).toEqual([2017, 2016, 2015]);
  });
});
