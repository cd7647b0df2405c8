// Code -> label helpers for what the service sends as codes. The lists of codes themselves
// come from the service (`app_info`, see stores/codes.ts), never copied here.
/** Element Plus tag colour for a state. */
export function statusType(s: string): "success" | "warning" | "danger" | "info" | "primary" {
  if (["disbursed", "repaid", "approved", "closed"].includes(s)) return "success";
  if (["overdue", "claimed", "recovery"].includes(s)) return "warning";
  if (["declined", "claim_paid", "claim_refused"].includes(s)) return "danger";
  if (["withdrawn"].includes(s)) return "info";
  return "primary";
}
