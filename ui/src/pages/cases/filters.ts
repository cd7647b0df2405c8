import type { CaseListInput } from "../../api";

/** The case list's filter form, as the user set it. */
export interface CaseFilters {
  search: string;
  city: string;
  status: string;
  kind: string;
  range: string[] | null;
}

export const emptyFilters = (): CaseFilters => ({ search: "", city: "", status: "", kind: "", range: [] });

/** The service's list input for a filter form and a page (no page: every match). */
export function listInput(f: CaseFilters, limit: number | null = null, offset: number | null = null): CaseListInput {
  return {
    search: f.search.trim() || null,
    city: f.city || null,
    status: f.status || null,
    kind: f.kind || null,
    from: f.range?.[0] || null,
    to: f.range?.[1] || null,
    limit,
    offset,
  };
}
