/**
 * The optional daily token budget per workspace (LLM_DAILY_TOKENS): prompt and completion tokens
 * of every model call are added to the workspace's count for the current UTC day. Past the budget,
 * the built-in path answers until the day turns. The clock is a parameter so tests pick the day.
 */
export class TokenBudget {
  private readonly spent = new Map<string, { day: string; tokens: number }>();

  constructor(
    readonly dailyTokens: number,
    private readonly today: () => string = () => new Date().toISOString().slice(0, 10),
  ) {}

  private entry(workspace: string): { day: string; tokens: number } {
    const day = this.today();
    const current = this.spent.get(workspace);
    if (current && current.day === day) return current;
    const fresh = { day, tokens: 0 };
    this.spent.set(workspace, fresh);
    return fresh;
  }

  /** Whether the workspace may still call the model today. */
  allows(workspace: string): boolean {
    return this.entry(workspace).tokens < this.dailyTokens;
  }

  spend(workspace: string, tokens: number): void {
    this.entry(workspace).tokens += Math.max(0, tokens);
  }

  used(workspace: string): number {
    return this.entry(workspace).tokens;
  }
}

/** The workspace of conversations that do not name one (console, CLI). */
export const DEFAULT_WORKSPACE = 'default';
