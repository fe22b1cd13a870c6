import type { NotificationKind } from './notification.js';
import { differenceOf, escapeHtml, formatDate, formatDateWithWeekday, formatDecimalAmount, formatMinorAmount, relativeDay } from './format.js';

// The words of each notification, from what its event carries: pure functions, so every text is
// unit-tested and the consumers only choose which to call. A title is one line; a body a few
// plain-text sentences. The e-mail is made from the same title and body (plain text and HTML, the
// HTML escaped: names are the user's own text).

export interface NotificationText {
  kind: NotificationKind;
  title: string;
  body: string;
}

/** What budgeting's threshold event tells (amounts as decimal strings in the budget's currency). */
export interface BudgetThresholdFacts {
  budgetName: string;
  categoryName?: string | null | undefined;
  threshold: 80 | 100;
  periodStart: string;
  periodEnd: string;
  amount: string;
  spent: string;
  currency: string;
  percentUsed: string;
}

export function budgetThresholdText(f: BudgetThresholdFacts): NotificationText {
  const name = `"${f.budgetName}"`;
  const budget = f.categoryName ? `your budget ${name} (${f.categoryName})` : `your budget ${name}`;
  const period = f.periodStart === f.periodEnd ? formatDate(f.periodStart) : `${formatDate(f.periodStart)} – ${formatDate(f.periodEnd)}`;
  const spent = `You have spent ${formatDecimalAmount(f.spent, f.currency)} of ${formatDecimalAmount(f.amount, f.currency)} (${f.percentUsed} %) in ${budget} for ${period}.`;
  const left = differenceOf(f.amount, f.spent, f.currency);
  let rest = '';
  if (left) rest = left.sign < 0 ? ` That is ${left.amount} over the budget.` : left.sign === 0 ? ' Nothing is left.' : ` ${left.amount} is left.`;
  const title = f.threshold === 100 ? `Budget ${name} is used up` : `Budget ${name} is ${f.threshold} % spent`;
  return { kind: 'budget_threshold', title, body: spent + rest };
}

/** What goals' milestone event tells (amounts as integer minor units in the goal's currency). */
export interface GoalMilestoneFacts {
  goalName: string;
  milestone: 25 | 50 | 75 | 100;
  targetMinor: string;
  currentMinor: string;
  currency: string;
}

export function goalMilestoneText(f: GoalMilestoneFacts): NotificationText {
  const name = `"${f.goalName}"`;
  const saved = `You have saved ${formatMinorAmount(f.currentMinor, f.currency)} of ${formatMinorAmount(f.targetMinor, f.currency)} for ${name}.`;
  if (f.milestone === 100) return { kind: 'goal_milestone', title: `Goal ${name} reached`, body: `${saved} Congratulations, you reached your goal!` };
  const remaining = BigInt(f.targetMinor) - BigInt(f.currentMinor);
  const toGo = remaining > 0n ? ` ${formatMinorAmount(remaining, f.currency)} to go.` : '';
  return { kind: 'goal_milestone', title: `Goal ${name} is ${f.milestone} % saved`, body: `${saved}${toGo}` };
}

/** What the ledger's upcoming-occurrence event tells, and today in the user's time zone. */
export interface RecurringUpcomingFacts {
  description: string;
  amountMinor: string;
  currency: string;
  transactionType: 'income' | 'expense';
  occurrenceDate: string;
  /** Today in the user's time zone, for "in 2 days"; undefined = not said. */
  today?: string | undefined;
}

export function recurringUpcomingText(f: RecurringUpcomingFacts): NotificationText {
  const type = f.transactionType === 'income' ? 'income' : 'expense';
  const amount = formatMinorAmount(f.amountMinor, f.currency);
  const description = f.description.trim();
  const what = description ? `"${description}"` : amount;
  const when = f.today === undefined ? undefined : relativeDay(f.occurrenceDate, f.today);
  const title = `Upcoming ${type} on ${formatDate(f.occurrenceDate)}: ${what}`;
  const subject = description ? `Your recurring ${type} "${description}" of ${amount}` : `Your recurring ${type} of ${amount}`;
  const verb = type === 'income' ? 'is expected on' : 'is due on';
  return { kind: 'recurring_upcoming', title, body: `${subject} ${verb} ${formatDateWithWeekday(f.occurrenceDate)}${when ? ` (${when})` : ''}.` };
}

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

const FOOTER = 'You receive this e-mail because e-mail notifications are on in your Finance Tracker settings (notification_preferences).';

/** The e-mail of a notification: its title as the subject, its body as plain text and as escaped HTML. */
export function mailContentOf(n: { title: string; body: string }): MailContent {
  return {
    subject: n.title,
    text: `${n.body}\n\n-- \n${FOOTER}\n`,
    html:
      '<!doctype html><html><body style="font-family:sans-serif">' +
      `<h1 style="font-size:18px">${escapeHtml(n.title)}</h1>` +
      `<p>${escapeHtml(n.body)}</p>` +
      `<p style="color:#666;font-size:12px">${escapeHtml(FOOTER)}</p>` +
      '</body></html>',
  };
}
