// Code -> label maps for what the service sends as codes.
import type { CaseStatus } from "../../api";

export const STATUSES: CaseStatus[] = [
  "intake", "investigation", "joint_review", "decision", "approved", "signed", "premiums_received",
  "disbursed", "overdue", "claimed", "claim_paid", "recovery", "closed", "declined", "withdrawn", "repaid",
];
export const KINDS = ["micro_enterprise", "farmer", "cooperative", "entrepreneur"] as const;
export const CITIES = ["yantai", "weifang", "taian", "jining", "laiwu", "dezhou", "qingdao"] as const;
export const METHODS = ["interest_monthly", "equal_installment", "equal_principal", "bullet"] as const;

/** Element Plus tag colour for a state. */
export function statusType(s: string): "success" | "warning" | "danger" | "info" | "primary" {
  if (["disbursed", "repaid", "approved", "closed"].includes(s)) return "success";
  if (["overdue", "claimed", "recovery"].includes(s)) return "warning";
  if (["declined", "claim_paid"].includes(s)) return "danger";
  if (["withdrawn"].includes(s)) return "info";
  return "primary";
}
