export { startLakeQuery, type LakeQueryConfig, type RunningLakeQuery } from './service';
export { QueryService, QueryCanceledError, type QueryLimits } from './engine/query-service';
export { QueryRefusedError } from './engine/guard';
export { parseSecretKey } from './store/sealed';
export { formatPath } from './catalog/names';
