import { mayEditCatalog, orderAccess, type Actor, type OrderAction } from './order.policy';

const ada: Actor = { userId: 'ada', roles: ['customer'] };
const bob: Actor = { userId: 'bob', roles: ['customer'] };
const sam: Actor = { userId: 'sam', roles: ['staff'] };
const root: Actor = { userId: 'root', roles: ['admin'] };
const adasOrder = { customerId: 'ada' };

/** Given an actor, when it asks for `action` on Ada's order: the access it gets. */
const given = (actor: Actor) => ({ when: (action: OrderAction) => orderAccess(actor, action, adasOrder) });

describe('what a customer may do', () => {
  it('places orders', () => {
    expect(orderAccess(ada, 'place')).toBe('allowed');
  });

  it('sees and cancels its own order', () => {
    expect(given(ada).when('view')).toBe('allowed');
    expect(given(ada).when('cancel')).toBe('allowed');
  });

  it.each<OrderAction>(['confirm', 'recordPayment', 'ship'])('may not %s its own order', (action) => {
    expect(given(ada).when(action)).toBe('forbidden');
  });

  it.each<OrderAction>(['view', 'cancel', 'confirm', 'recordPayment', 'ship'])(
    'does not even see another customer’s order when asking to %s it',
    (action) => {
      expect(given(bob).when(action)).toBe('hidden');
    },
  );
});

describe('what staff may do', () => {
  it.each<OrderAction>(['view', 'confirm', 'recordPayment', 'ship', 'cancel'])(
    'may %s any order',
    (action) => {
      expect(given(sam).when(action)).toBe('allowed');
    },
  );

  it('places an order only when also a customer', () => {
    expect(orderAccess(sam, 'place')).toBe('forbidden');
    expect(orderAccess({ ...sam, roles: ['customer', 'staff'] }, 'place')).toBe('allowed');
  });
});

describe('what an admin may do', () => {
  it('sees any order', () => {
    expect(given(root).when('view')).toBe('allowed');
  });

  it.each<OrderAction>(['confirm', 'recordPayment', 'ship', 'cancel'])(
    'may not %s another’s order without the staff role',
    (action) => {
      expect(given(root).when(action)).toBe('forbidden');
    },
  );

  it('edits the catalog, which neither customers nor staff may', () => {
    expect(mayEditCatalog(root)).toBe(true);
    expect(mayEditCatalog(ada)).toBe(false);
    expect(mayEditCatalog(sam)).toBe(false);
  });
});
