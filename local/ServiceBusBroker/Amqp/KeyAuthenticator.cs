using System.Security.Principal;
using Microsoft.Azure.Amqp.Sasl;

namespace SfSync.ServiceBusBroker.Amqp;

/// <summary>SASL PLAIN for clients other than the SDK (which uses MSSBCBS and then CBS): the key name and the key.</summary>
internal sealed class KeyAuthenticator(string keyName, string key) : ISaslPlainAuthenticator
{
    public Task<IPrincipal> AuthenticateAsync(string identity, string password) =>
        identity == keyName && password == key
            ? Task.FromResult<IPrincipal>(new GenericPrincipal(new GenericIdentity(identity), ["Send", "Listen", "Manage"]))
            : throw new UnauthorizedAccessException("Unknown key name or key.");
}
