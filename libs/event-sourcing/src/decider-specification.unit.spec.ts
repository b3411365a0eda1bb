import { countingDecider, NotEnough } from './counter.spec-helper';
import { deciderSpecification } from './decider-specification';

const spec = deciderSpecification(countingDecider());

describe('deciderSpecification', () => {
  it('passes when the command decides the expected events on the given ones', () => {
    spec
      .given([{ type: 'Added', by: 3 }])
      .when({ type: 'Take', by: 2 })
      .then([{ type: 'Taken', by: 2 }]);
  });

  it('fails when the command decides other events', () => {
    expect(() =>
      spec
        .given([])
        .when({ type: 'Add', by: 1 })
        .then([{ type: 'Added', by: 2 }]),
    ).toThrow(/Expected values to be strictly deep-equal/);
  });

  it('passes when the command is refused with the expected error, and lets the error be checked', () => {
    const check = jest.fn();
    spec.given([]).when({ type: 'Take', by: 1 }).thenThrows(NotEnough, check);

    expect(check).toHaveBeenCalledWith(expect.objectContaining({ message: 'only 0 left' }));
  });

  it('fails when a command expected to be refused is accepted, or refused with another error', () => {
    expect(() => spec.given([]).when({ type: 'Add', by: 1 }).thenThrows(NotEnough)).toThrow(
      /expected a NotEnough, but the command decided \[\{"type":"Added","by":1\}\]/,
    );
    expect(() => spec.given([]).when({ type: 'Take', by: 1 }).thenThrows(RangeError)).toThrow(
      /expected a RangeError, got NotEnough: only 0 left/,
    );
  });
});
