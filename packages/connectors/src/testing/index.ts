// Public API of @platform/connectors/testing: the shared contract suites every connector runs,
// helpers that parse connector output, the shared network-failure table, and the reader of
// what landed in S3 that connector tests, server tests, e2e and the benchmark all use.
export { expectSameRecords, expectUserMessage, expectValidSpec } from './assertions';
export { csvFileBatch, recordBatch, type BatchTarget } from './batches';
export { runConnectorProcess, type CliInputs, type CliResult } from './cli';
export { collectOutput, latestStates, type CollectedOutput } from './collect';
export { quietContext, SLOW, type ContractOptions } from './contract-options';
export { runDestinationContractSuite, type DestinationContractFixture, type DestinationContractOptions } from './destination-contract';
export { loadFixtures, type ConnectorFixtures, type ExpectedRecord } from './fixtures';
export { listKeys, listObjects, queryParquet, type LakeObject } from './lake-reader';
export { MEMORY_HOG_SCRIPT, PROTOCOL_FIXTURE_SCRIPT } from './protocol-fixture';
export { describeNetworkFailureClassification, FAILING_HOST } from './network-failures';
export { runSourceContractSuite, type SourceContractFixture, type SourceContractOptions } from './source-contract';
export { startRestApiServer, type RestApiServer, type RestCustomer, type RestOrder, type RestRequest } from './rest-api-server';
