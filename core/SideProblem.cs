namespace SfSync;

/// <summary>Why a side cannot be used right now: the kind of trouble and what the side (or the network) said.</summary>
public sealed record SideProblem(ConnectionProblem Kind, string Detail);
