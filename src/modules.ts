import { consult } from './modules/consult/index.ts';
import { rail } from './modules/rail/index.ts';
import { registration } from './modules/registration/index.ts';
import { tickets } from './modules/tickets/index.ts';
import type { ModuleApis, ModuleDefinition } from './platform/module.ts';

/** Any one module of the list. */
export type AnyModule = { [K in keyof ModuleApis]: ModuleDefinition<K> }[keyof ModuleApis];

/**
 * Every module of yeyak, in the order they are made: a module may use the ones before it
 * (registration follows tickets). Adding a module is one line here.
 */
export const modules: AnyModule[] = [tickets, registration, rail, consult];
