import { validateDefinition } from '../../lib/validator/validate-definition';
import { fullDefinition } from '../../test/fixtures/full-definition';
test('x', () => { console.log(JSON.stringify(validateDefinition(fullDefinition()), null, 1)); });
