// The agents fanout knows by name: the one list the schema, the JSON Schema, `fanout plan`, the
// wizard and the agent adapters all read, so a new agent is added here once.

/** The named agents a plan may choose (`agent: claude`). */
export const agentNames = ['claude', 'codex', 'gemini', 'aider'] as const;

/** A named agent. */
export type AgentName = (typeof agentNames)[number];

/** The agents that can plan headless (`fanout plan --planner`, the wizard's planner step), in the order tab cycles through them. */
export const plannerAgents = ['claude', 'codex', 'gemini'] as const satisfies readonly AgentName[];

/** An agent that can plan headless. */
export type PlannerAgent = (typeof plannerAgents)[number];

/** Whether a value names an agent. */
export function isAgentName(value: unknown): value is AgentName {
	return (agentNames as readonly unknown[]).includes(value);
}

/** Whether a value names an agent that can plan headless. */
export function isPlannerAgent(value: unknown): value is PlannerAgent {
	return (plannerAgents as readonly unknown[]).includes(value);
}
