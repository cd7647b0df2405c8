import { describe, expect, it } from "vitest";
import zhCN from "./zh-CN";
import en from "./en";

function keys(obj: object, prefix = ""): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === "object" && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe("translations", () => {
  it("English has exactly the Chinese keys, none empty", () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
    for (const k of keys(en)) {
      const v = k.split(".").reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], en);
      expect(v, k).not.toBe("");
    }
  });
});
