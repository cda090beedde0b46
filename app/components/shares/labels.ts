/** The co-op's words for ledger kinds and payment methods. */
export const KIND_LABELS: Record<string, string> = {
  purchase: "Purchase",
  withdrawal: "Withdrawal",
  transfer_in: "Transfer in",
  transfer_out: "Transfer out",
  interest_shares: "Interest as shares",
  bonus: "Bonus",
  forfeit: "Forfeit",
  reversal: "Correction (reversal)",
};
export const METHOD_LABELS: Record<string, string> = {
  "": "",
  cash: "Cash",
  cheque: "Cheque",
  bank_transfer: "Bank transfer",
  card: "Card",
  import: "Imported",
  interest: "Interest",
  transfer: "Transfer",
  withdrawal: "Withdrawal",
  admission: "On admission",
};
