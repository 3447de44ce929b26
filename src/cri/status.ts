/**
 * gRPC status codes: grpc-js's own enum (`status[code]` gives the name too),
 * from its small constants module, so that code which only names a status
 * (grpc-errors.ts, endpoint detection) does not evaluate the whole of grpc-js.
 */
export { Status as status } from '@grpc/grpc-js/build/src/constants';
