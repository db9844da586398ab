import { describeNetworkFailureClassification, FAILING_HOST } from '../testing/network-failures';
import { toConnectorError } from './errors';

describeNetworkFailureClassification('source-file', (err) => toConnectorError(err, `https://${FAILING_HOST}/people.csv`));
