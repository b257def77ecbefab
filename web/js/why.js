// why.js — the side panel's words: amounts, a liability, and why it binds — built from
// the liability's `because` ids, those commitments, and what the others are bound to
// (the conditions that hold). Pure: data in, plain strings and records out.

const number = new Intl.NumberFormat('en', { maximumFractionDigits: 4 });

// "1 time per week", "3 hours", "40 percent": singular after exactly 1, as the server does.
export function quantity(amount, unit) {
  let shown = unit;
  if (amount === 1) {
    if (unit.startsWith('times')) shown = `time${unit.slice(5)}`;
    else if (/^(seconds|minutes|hours|days|weeks|months|years)$/.test(unit)) shown = unit.slice(0, -1);
  }
  return `${number.format(amount)} ${shown}`;
}

// "3 hours of work".
export function amountOf(liability) {
  return `${quantity(liability.amount, liability.unit)} of ${liability.action}`;
}

// The group's liabilities grouped by user, users in name order.
export function byUser(liabilities) {
  const users = new Map();
  for (const l of liabilities) {
    if (!users.has(l.user.id)) users.set(l.user.id, { user: l.user, items: [] });
    users.get(l.user.id).items.push(l);
  }
  return [...users.values()].sort((a, b) => a.user.username.localeCompare(b.user.username));
}

// Why `liability` binds: for each commitment in `because`, its creator and summary, and
// for each of its conditions who must do what and what they are bound to now.
export function why(liability, commitments, liabilities, members) {
  const nameOf = (id) =>
    members.find((m) => m.id === id)?.username
    ?? liabilities.find((l) => l.user.id === id)?.user.username
    ?? 'a former member';
  return liability.because.map((id) => {
    const commitment = commitments.find((c) => c.id === id);
    if (!commitment) return { id, text: `commitment #${id}`, conditions: [] };
    const conditions = commitment.conditions.map((c) => {
      const who = c.user ? nameOf(c.user) : 'the others together';
      const now = boundNow(c, commitment.creator.id, liabilities);
      const needs = `${who} ${c.user ? 'is' : 'are'} bound to ≥ ${quantity(c.min, c.unit)} of ${c.action}`;
      return now === null ? needs : `${needs} (now ${quantity(now, c.unit)})`;
    });
    return {
      id,
      text: `#${id} ${commitment.creator.username}: ${commitment.summary}`,
      conditions,
    };
  });
}

// What a condition's user (or everyone but the creator) is bound to of its quantity now;
// null when none of the liabilities is in the condition's own unit.
function boundNow(condition, creator, liabilities) {
  const same = liabilities.filter(
    (l) => l.action === condition.action && l.unit === condition.unit
      && (condition.user ? l.user.id === condition.user : l.user.id !== creator),
  );
  if (same.length === 0) return null;
  return same.reduce((sum, l) => sum + l.amount, 0);
}
