// Prints a case's contact plan through the component transpiled by jco: every window in which
// each action will be allowed over the coming days, if nothing else happens.
//
//   node plan.mjs POLICY CASE.json [DAYS]     (POLICY: a pack id or a policy file; DAYS: 7)
import { existsSync, readFileSync } from 'node:fs';
import { plan } from './rules.mjs';

const [policyArg, casePath, daysArg = '7'] = process.argv.slice(2);
if (!policyArg || !casePath || !/^\d+$/.test(daysArg)) {
  console.error('usage: node plan.mjs POLICY CASE.json [DAYS]');
  process.exit(2);
}
const policy = existsSync(policyArg) ? readFileSync(policyArg, 'utf8') : policyArg;
const out = plan(policy, readFileSync(casePath, 'utf8'), Number(daysArg));
console.log(out);
process.exit(out.startsWith('{"error"') ? 1 : 0);
