// @npmcli/arborist ships no types (and @types/npmcli__arborist is years behind 9.x): the module is
// opaque here; npm-graph-load.ts describes the part of it that it reads.
declare module '@npmcli/arborist';
