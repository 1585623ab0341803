// The error for data that cannot be used as it is (a missing or damaged dataset file, a folder
// not set): the CLI reports its message alone and exits 2.
export class DataError extends Error {}
