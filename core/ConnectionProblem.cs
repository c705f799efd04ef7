using System.Text.Json.Serialization;

namespace SfSync;

/// <summary>
/// Why a side could not be used, in the terms an operator acts on: a refused client or user needs the credentials
/// fixed, an expired refresh token a new authorization, an unreachable or slow side only patience (or the network).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ConnectionProblem>))]
public enum ConnectionProblem
{
    /// <summary>The side answered with an error status the other cases do not cover (a 5xx, an unexpected 4xx).</summary>
    ErrorAnswer,

    /// <summary>The connected app (client id or secret) was refused: OAuth <c>invalid_client_id</c> or <c>invalid_client</c>.</summary>
    ClientRefused,

    /// <summary>The user was refused — username, password and security token, the JWT's user or certificate, or the
    /// client-credentials run-as user: OAuth <c>invalid_grant</c> on any flow but the refresh token's.</summary>
    CredentialsRefused,

    /// <summary>The refresh token is expired or revoked: OAuth <c>invalid_grant</c> on the refresh-token flow.</summary>
    RefreshTokenExpired,

    /// <summary>No connection: the host name does not resolve, the connection is refused or reset, or the circuit is open
    /// after repeated failures.</summary>
    Unreachable,

    /// <summary>The side accepted the connection but did not answer in time.</summary>
    TimedOut,
}
