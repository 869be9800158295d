// The peer of BENCHMARKS.md's side-by-side run (tools/peer/run.sh): Apollo Server 5 + DataLoader +
// the official MongoDB driver, answering the dashboards' page query over the same database, with no
// response cache. Not part of the server or its tests.
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import DataLoader from 'dataloader';
import { MongoClient } from 'mongodb';

const uri = process.env.MONGODB_URI || 'mongodb://127.0.0.1:18027/';
const port = Number(process.env.PORT || 18092);
const client = new MongoClient(uri);
await client.connect();
const db = client.db(process.env.DB || 'roots');

const typeDefs = `#graphql
  type Query { organizations(first: Int = 20): OrganizationConnection! }
  type OrganizationConnection { edges: [OrganizationEdge!]! }
  type OrganizationEdge { node: Organization! }
  type Organization { id: ID! name: String! alliances: [Alliance!]! state: State }
  type Alliance { id: ID! name: String! }
  type State { id: ID! name: String! }
`;

const byID = (coll) => new DataLoader(async (ids) => {
  const docs = await db.collection(coll).find({ _id: { $in: ids } }).toArray();
  const m = new Map(docs.map((d) => [d._id, d]));
  return ids.map((id) => m.get(id) || null);
});

const resolvers = {
  Query: {
    organizations: async (_, { first }) => {
      const docs = await db.collection('organizations')
        .find({ archived: { $ne: true } }).sort({ nameKey: 1, _id: 1 }).limit(first + 1).toArray();
      return { edges: docs.slice(0, first).map((node) => ({ node })) };
    },
  },
  Organization: {
    id: (o) => o._id,
    alliances: async (o, _, ctx) => (await ctx.alliances.loadMany(o.allianceIds || [])).filter(Boolean),
    state: (o, _, ctx) => (o.stateId ? ctx.states.load(o.stateId) : null),
  },
  Alliance: { id: (a) => a._id },
  State: { id: (s) => s._id },
};

const server = new ApolloServer({ typeDefs, resolvers });
const { url } = await startStandaloneServer(server, {
  listen: { port, host: '127.0.0.1' },
  context: async () => ({ alliances: byID('alliances'), states: byID('states') }),
});
console.log(`peer at ${url}`);
