/**
 * An account's posted balance as of a moment: the `balance_after` of its last operation at or
 * before it (one probe of `operations_by_account`). `$1` the account, `$2` the moment; `:op` is
 * `<=` ("at or before") or `<` ("before").
 */
export const lastOperationBefore = (account: string, moment: string, op: '<=' | '<') =>
  `SELECT o.id, o.balance_after FROM operations o WHERE o.account_id = ${account} AND o.created_at ${op} ${moment} ORDER BY o.created_at DESC, o.id DESC LIMIT 1`;
