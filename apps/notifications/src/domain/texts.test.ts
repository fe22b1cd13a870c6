import { describe, expect, test } from '@jest/globals';
import { budgetThresholdText, goalMilestoneText, mailContentOf, recurringUpcomingText } from './texts.js';

describe('budget threshold texts', () => {
  const base = { budgetName: 'Groceries', periodStart: '2026-03-01', periodEnd: '2026-03-31', amount: '500.00', currency: 'USD' };

  test('80 %: spent, budget, percent, period and what is left, amounts with their currency', () => {
    expect(budgetThresholdText({ ...base, threshold: 80, spent: '425.00', percentUsed: '85.00' })).toEqual({
      kind: 'budget_threshold',
      title: 'Budget "Groceries" is 80 % spent',
      body: 'You have spent 425.00 USD of 500.00 USD (85.00 %) in your budget "Groceries" for 1 March 2026 – 31 March 2026. 75.00 USD is left.',
    });
  });

  test('100 %: over the budget by the exact difference', () => {
    const text = budgetThresholdText({ ...base, threshold: 100, spent: '525.10', percentUsed: '105.02' });
    expect(text.title).toBe('Budget "Groceries" is used up');
    expect(text.body).toBe('You have spent 525.10 USD of 500.00 USD (105.02 %) in your budget "Groceries" for 1 March 2026 – 31 March 2026. That is 25.10 USD over the budget.');
  });

  test('exactly at the amount: nothing is left', () => {
    expect(budgetThresholdText({ ...base, threshold: 100, spent: '500', percentUsed: '100.00' }).body).toMatch(/\(100\.00 %\).*\. Nothing is left\.$/);
  });

  test('thousands grouped, the currency’s own decimals (JPY none, KWD three), a category, a one-day period', () => {
    expect(
      budgetThresholdText({ budgetName: 'Tokyo', categoryName: 'Food', threshold: 80, periodStart: '2026-03-16', periodEnd: '2026-03-16', amount: '1234567', spent: '1000000', currency: 'JPY', percentUsed: '81.00' }).body,
    ).toBe('You have spent 1,000,000 JPY of 1,234,567 JPY (81.00 %) in your budget "Tokyo" (Food) for 16 March 2026. 234,567 JPY is left.');
    expect(budgetThresholdText({ ...base, threshold: 80, amount: '10.5', spent: '8.4', currency: 'KWD', percentUsed: '80.00' }).body).toContain('8.400 KWD of 10.500 KWD');
  });
});

describe('goal milestone texts', () => {
  test('50 %: saved of target and what is still to go', () => {
    expect(goalMilestoneText({ goalName: 'Bike', milestone: 50, targetMinor: '100000', currentMinor: '60000', currency: 'USD' })).toEqual({
      kind: 'goal_milestone',
      title: 'Goal "Bike" is 50 % saved',
      body: 'You have saved 600.00 USD of 1,000.00 USD for "Bike". 400.00 USD to go.',
    });
  });

  test('100 %: reached', () => {
    const text = goalMilestoneText({ goalName: 'Bike', milestone: 100, targetMinor: '100000', currentMinor: '100001', currency: 'USD' });
    expect(text.title).toBe('Goal "Bike" reached');
    expect(text.body).toBe('You have saved 1,000.01 USD of 1,000.00 USD for "Bike". Congratulations, you reached your goal!');
  });
});

describe('recurring reminder texts', () => {
  test('an expense 2 days ahead: description, amount, weekday and date, how far', () => {
    expect(
      recurringUpcomingText({ description: 'Rent', amountMinor: '120000', currency: 'EUR', transactionType: 'expense', occurrenceDate: '2026-03-16', today: '2026-03-14' }),
    ).toEqual({
      kind: 'recurring_upcoming',
      title: 'Upcoming expense on 16 March 2026: "Rent"',
      body: 'Your recurring expense "Rent" of 1,200.00 EUR is due on Monday, 16 March 2026 (in 2 days).',
    });
  });

  test('an income without description, tomorrow and today; no relative day once passed', () => {
    const text = recurringUpcomingText({ description: ' ', amountMinor: '250000', currency: 'USD', transactionType: 'income', occurrenceDate: '2026-03-01', today: '2026-02-28' });
    expect(text.title).toBe('Upcoming income on 1 March 2026: 2,500.00 USD');
    expect(text.body).toBe('Your recurring income of 2,500.00 USD is expected on Sunday, 1 March 2026 (tomorrow).');
    expect(recurringUpcomingText({ description: 'Pay', amountMinor: '1', currency: 'USD', transactionType: 'income', occurrenceDate: '2026-03-01', today: '2026-03-01' }).body).toContain('(today)');
    expect(recurringUpcomingText({ description: 'Pay', amountMinor: '1', currency: 'USD', transactionType: 'income', occurrenceDate: '2026-03-01', today: '2026-03-02' }).body).toBe(
      'Your recurring income "Pay" of 0.01 USD is expected on Sunday, 1 March 2026.',
    );
  });
});

describe('e-mail content', () => {
  test('subject = title; plain text = body and a footer; HTML escapes the user’s own text', () => {
    const mail = mailContentOf({ title: 'Budget "<b>Fun & games</b>" is used up', body: 'You have spent <script>alert(1)</script> 1.00 USD' });
    expect(mail.subject).toBe('Budget "<b>Fun & games</b>" is used up');
    expect(mail.text.startsWith('You have spent <script>alert(1)</script> 1.00 USD\n\n')).toBe(true);
    expect(mail.html).toContain('<h1 style="font-size:18px">Budget &quot;&lt;b&gt;Fun &amp; games&lt;/b&gt;&quot; is used up</h1>');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).not.toContain('<script>');
  });
});
