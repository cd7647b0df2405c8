import { describe, expect, it } from "vitest";
import { mount } from "@vue/test-utils";
import CaseTable from "./CaseTable.vue";
import { makeI18n } from "../../i18n";
import type { CaseRow } from "../../api";

const ROW: CaseRow = {
  case_no: "ICBC-YT-2016-000001",
  borrower_name: "烟台海丰水产有限公司",
  borrower_kind: "micro_enterprise",
  id_number: "91370602MA0000001N",
  city: "yantai",
  status: "disbursed",
  principal: "1000000.00",
  application_date: "2016-03-01",
  office_case_no: null,
};

function table(sort: string) {
  return mount(CaseTable, { props: { rows: [ROW], sort }, global: { plugins: [makeI18n("zh-CN")] } });
}

describe("the case table", () => {
  it("shows a row in the Chinese style and opens its case", async () => {
    const w = table("applied_desc");
    expect(w.text()).toContain("¥1,000,000.00");
    expect(w.text()).toContain("已放款");
    await w.find("tbody tr").trigger("click");
    expect(w.emitted("open")?.[0]).toEqual(["ICBC-YT-2016-000001"]);
  });

  it("on a laptop shows the office's number first, its own provisional one under it", () => {
    const laptop = { ...ROW, case_no: "WU-2016-0001", office_case_no: "ICBC-YT-2016-000001" };
    const w = mount(CaseTable, {
      props: { rows: [laptop], sort: "applied_desc" },
      global: { plugins: [makeI18n("zh-CN")] },
    });
    const cell = w.find("tbody td").text();
    expect(cell.indexOf("ICBC-YT-2016-000001")).toBeLessThan(cell.indexOf("WU-2016-0001"));
    expect(w.find(".provisional").text()).toBe("WU-2016-0001");
  });

  it("sorts a new column largest first, then flips it", async () => {
    const w = table("applied_desc");
    await w.find('[data-testid="sort-principal"]').trigger("click");
    expect(w.emitted("update:sort")?.[0]).toEqual(["principal_desc"]);
    await w.setProps({ sort: "principal_desc" });
    expect(w.find('[data-testid="sort-principal"]').text()).toContain("▼");
    await w.find('[data-testid="sort-principal"]').trigger("click");
    expect(w.emitted("update:sort")?.[1]).toEqual(["principal_asc"]);
  });

  it("sorts case numbers from the first, and says when nothing matches", async () => {
    const w = table("applied_desc");
    await w.find('[data-testid="sort-case_no"]').trigger("click");
    expect(w.emitted("update:sort")?.[0]).toEqual(["case_no_asc"]);
    await w.setProps({ rows: [] });
    expect(w.text()).toContain("没有符合条件的案件");
  });
});
