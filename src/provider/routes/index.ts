// Every route module, registered in this order. Later issues append theirs.
import type { FastifyInstance } from 'fastify';
import type { ProviderContext } from '../context';
import { registerHealthRoutes } from './health';

export type RouteModule = (app: FastifyInstance, ctx: ProviderContext) => void;

export const ROUTE_MODULES: readonly RouteModule[] = [registerHealthRoutes];
