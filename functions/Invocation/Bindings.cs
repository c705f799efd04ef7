using SfSync.Planning;

namespace SfSync.Functions.Invocation;

/// <summary>Binding names shared by the handler and the function.json files.</summary>
internal static class Bindings
{
    public const string Request = "req";

    public const string Response = "res";

    public const string Message = "message";

    public static string Summary(PlanOutcome plan) => plan.PausedReason is { } paused
        ? $"Run {plan.RunId} paused: {paused}"
        : $"Run {plan.RunId}: {plan.NewKeys} changed records in {plan.NewBatches} new batches, {plan.ResentBatches} batches sent again."
            + (plan.SendError is { } error ? $" Not sent (the stall re-send sends them): {error}" : "");
}
