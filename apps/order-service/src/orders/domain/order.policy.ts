import type { Role } from '@platform/identity';

/** Who is asking: a signed-in user and the roles the gateway vouched for (unknown ones grant nothing). */
export interface Actor {
  userId: string;
  roles: readonly string[];
}

/** What a caller can ask of orders. `recordPayment` is staff recording one by hand. */
export type OrderAction = 'place' | 'view' | 'confirm' | 'recordPayment' | 'ship' | 'cancel';

/**
 * The answer of the policy: go ahead, refuse (403: the caller sees the order, or it is not an
 * order action, but may not do this), or hide (404: to this caller the order does not exist, so
 * ids of other customers' orders cannot be probed).
 */
export type Access = 'allowed' | 'forbidden' | 'hidden';

const has = (actor: Actor, role: Role) => actor.roles.includes(role);

/**
 * Who may do what with an order (the business's roles, docs/security.md):
 * - a customer places orders, and sees and cancels its own (the domain refuses a cancel once shipped);
 * - staff see every order, confirm, record a payment by hand, ship, and cancel as the merchant;
 * - an admin sees every order (support), but changes one only when also staff or its customer.
 * Payment by the provider's signed callback is not a caller's action and is not decided here.
 */
export function orderAccess(actor: Actor, action: OrderAction, order?: { customerId: string }): Access {
  if (action === 'place') return has(actor, 'customer') ? 'allowed' : 'forbidden';
  if (order === undefined) throw new Error(`${action} needs the order it is about`);
  const owner = order.customerId === actor.userId;
  const staff = has(actor, 'staff');
  if (!owner && !staff && !has(actor, 'admin')) return 'hidden';
  switch (action) {
    case 'view':
      return 'allowed';
    case 'cancel':
      return owner || staff ? 'allowed' : 'forbidden';
    case 'confirm':
    case 'recordPayment':
    case 'ship':
      return staff ? 'allowed' : 'forbidden';
    default: {
      const unknown: never = action;
      throw new Error(`unknown order action ${JSON.stringify(unknown)}`);
    }
  }
}

/** Whether the catalog (prices, what is sold) may be changed by `actor`: admins only. */
export function mayEditCatalog(actor: Actor): boolean {
  return has(actor, 'admin');
}
