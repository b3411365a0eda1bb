import { Headers } from '@platform/contracts';
import { errorChainOf } from './error-chain';

const failure = { errorClass: 'PermanentError', errorCode: null, errorMessage: 'order o-1 not stored' };
const causes = (text: string) => [{ name: Headers.errorCauses, value: Buffer.from(text) }];

describe('errorChainOf', () => {
  it('follows the error with the causes the runtime listed, outermost first', () => {
    const listed = [
      { class: 'TypeError', message: 'pool failed' },
      { class: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' },
    ];
    expect(errorChainOf(failure, causes(JSON.stringify(listed)))).toEqual([
      { class: 'PermanentError', code: null, message: 'order o-1 not stored' },
      { class: 'TypeError', code: null, message: 'pool failed' },
      { class: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' },
    ]);
  });

  it('keeps the error alone when the causes header is missing or broken', () => {
    expect(errorChainOf(failure, [])).toHaveLength(1);
    expect(errorChainOf(failure, causes('not json'))).toHaveLength(1);
    expect(errorChainOf(failure, causes('{"class":"X"}'))).toHaveLength(1);
    expect(errorChainOf(failure, causes('[{"class":1,"message":"x"}, null]'))).toHaveLength(1);
  });
});
