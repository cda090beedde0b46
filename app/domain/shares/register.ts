/**
 * The register of members required by s.30 of the Co-operative and Community
 * Benefit Societies Act 2014, as at a given day. For each member it records:
 * name and address (and email, if they use it for communications), the
 * shares held and the amount paid or credited on them, any other property
 * in the society (loans, deposits), the date they were entered in the
 * register as a member, and the date they ceased to be one.
 *
 * Former members stay on the register with the date they ceased; people
 * admitted after the as-at date are not on it yet.
 */
import { type IsoDate, toDay } from "../calendar";
import type { Holding } from "./holdings";
import type { Minor } from "~/domain/money";

export interface RegisterMember {
  id: string;
  memberNumber: string;
  name: string;
  address: string;
  email?: string | null;
  joinedOn: IsoDate;
  ceasedOn?: IsoDate | null;
}

/** Property other than shares: loan stock, deposits and the like. */
export interface OtherProperty {
  memberId: string;
  description: string;
  /** Amount outstanding at the as-at date, minor units. */
  amount: Minor;
}

export interface RegisterShareLine {
  classId: string;
  className: string;
  shares: number;
  amountPaid: Minor;
}

export interface RegisterRow {
  memberId: string;
  memberNumber: string;
  name: string;
  address: string;
  email: string | null;
  shares: RegisterShareLine[];
  totalShares: number;
  totalAmountPaid: Minor;
  otherProperty: { description: string; amount: Minor }[];
  dateEntered: IsoDate;
  dateCeased: IsoDate | null;
}

export interface RegisterInput {
  asAt: IsoDate;
  members: readonly RegisterMember[];
  /** Holdings as at the same day, e.g. from holdingsAsAt(ledger, asAt). */
  holdings: readonly Holding[];
  /** Share class names by id; the id is shown if a name is missing. */
  classNames?: Readonly<Record<string, string>>;
  otherProperty?: readonly OtherProperty[];
}

export function registerAsAt(input: RegisterInput): RegisterRow[] {
  const asAtDay = toDay(input.asAt);
  const holdingsByMember = new Map<string, Holding[]>();
  for (const h of input.holdings) {
    const list = holdingsByMember.get(h.memberId) ?? [];
    list.push(h);
    holdingsByMember.set(h.memberId, list);
  }
  const propertyByMember = new Map<string, OtherProperty[]>();
  for (const p of input.otherProperty ?? []) {
    const list = propertyByMember.get(p.memberId) ?? [];
    list.push(p);
    propertyByMember.set(p.memberId, list);
  }

  const rows: RegisterRow[] = [];
  for (const m of input.members) {
    const joined = toDay(m.joinedOn);
    if (joined > asAtDay) continue;
    const ceasedOn = m.ceasedOn && toDay(m.ceasedOn) <= asAtDay ? m.ceasedOn : null;
    const shares = (holdingsByMember.get(m.id) ?? [])
      .filter((h) => h.shares !== 0 || h.value !== 0n)
      .map((h) => ({ classId: h.classId, className: input.classNames?.[h.classId] ?? h.classId, shares: h.shares, amountPaid: h.value }))
      .sort((a, b) => (a.className < b.className ? -1 : a.className > b.className ? 1 : 0));
    rows.push({
      memberId: m.id,
      memberNumber: m.memberNumber,
      name: m.name,
      address: m.address,
      email: m.email ?? null,
      shares,
      totalShares: shares.reduce((t, s) => t + s.shares, 0),
      totalAmountPaid: shares.reduce((t, s) => t + s.amountPaid, 0n),
      otherProperty: (propertyByMember.get(m.id) ?? [])
        .filter((p) => p.amount !== 0n)
        .map((p) => ({ description: p.description, amount: p.amount })),
      dateEntered: m.joinedOn,
      dateCeased: ceasedOn,
    });
  }
  // Register order: date entered, then member number (numerically where both are numbers).
  return rows.sort(
    (a, b) =>
      toDay(a.dateEntered) - toDay(b.dateEntered) ||
      a.memberNumber.localeCompare(b.memberNumber, "en", { numeric: true }),
  );
}
