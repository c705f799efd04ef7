using System.Net.Sockets;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Azure.Amqp.Sasl;
using Microsoft.Azure.Amqp.Transport;
using Microsoft.Extensions.Logging;

namespace SfSync.ServiceBusBroker.Amqp;

/// <summary>
/// Listens on 127.0.0.1 with the library's own TCP and AMQP transport listeners (SASL first: the SDK offers a single
/// mechanism, MSSBCBS, and refuses a server that lacks it) and opens an AMQP connection for every transport accepted.
/// Plain TCP only: with <c>UseDevelopmentEmulator=true</c> the SDK turns TLS off and connects to the endpoint's port.
/// </summary>
internal sealed partial class ConnectionAcceptor : IDisposable
{
    private const string Host = "127.0.0.1";
    private const int FreePortAttempts = 5;

    private readonly AmqpSettings _settings;
    private readonly ILogger _logger;
    private readonly HashSet<AmqpConnection> _connections = [];
    private readonly AmqpTransportListener _listener;

    public ConnectionAcceptor(LinkRouter router, BrokerOptions options, ILogger logger)
    {
        _logger = logger;
        _settings = new AmqpSettings { RuntimeProvider = router };
        var sasl = new SaslTransportProvider();
        sasl.Versions.Add(new AmqpVersion(1, 0, 0));
        sasl.AddHandler(new SaslAnonymousHandler("MSSBCBS"));
        sasl.AddHandler(new SaslAnonymousHandler());
        sasl.AddHandler(new SaslPlainHandler(new KeyAuthenticator(options.SharedAccessKeyName, options.SharedAccessKey)));
        _settings.TransportProviders.Add(sasl);
        var amqp = new AmqpTransportProvider();
        amqp.Versions.Add(new AmqpVersion(1, 0, 0));
        _settings.TransportProviders.Add(amqp);
        (_listener, Port) = Listen(options.Port);
    }

    public int Port { get; }

    public void Dispose()
    {
        _listener.SafeClose();
        List<AmqpConnection> open;
        lock (_connections)
        {
            open = [.. _connections];
            _connections.Clear();
        }

        foreach (var connection in open)
        {
            connection.SafeClose();
        }
    }

    /// <summary>
    /// The library's TCP listener does not say which port it bound, and its TCP transport is internal, so port 0 is
    /// resolved by asking the OS for a free port first; the rare port taken in between is retried.
    /// </summary>
    private (AmqpTransportListener Listener, int Port) Listen(int port)
    {
        for (var attempt = 1; ; attempt++)
        {
            var bound = port == 0 ? FreePort() : port;
            var tcp = new TcpTransportSettings { Host = Host, Port = bound }.CreateListener();
            var listener = new AmqpTransportListener([tcp], _settings);
            try
            {
                listener.Open();
                listener.Listen(OnAcceptTransport);
                return (listener, bound);
            }
            catch (SocketException) when (port == 0 && attempt < FreePortAttempts)
            {
                listener.Abort();
            }
        }
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private void OnAcceptTransport(TransportListener listener, TransportAsyncCallbackArgs args)
    {
        AmqpConnection? connection = null;
        try
        {
            var settings = new AmqpConnectionSettings { ContainerId = "sfsync-local-servicebus", MaxFrameSize = 64 * 1024 };
            connection = _settings.RuntimeProvider.CreateConnection(args.Transport, (ProtocolHeader)args.UserToken, false, _settings, settings);
            connection.BeginOpen(AmqpConstants.DefaultTimeout, OnConnectionOpened, connection);
        }
        catch (Exception exception) when (exception is AmqpException or InvalidOperationException or ObjectDisposedException)
        {
            LogConnectionFailed(_logger, exception);
            connection?.SafeClose(exception);
        }
    }

    private void OnConnectionOpened(IAsyncResult result)
    {
        var connection = (AmqpConnection)result.AsyncState!;
        try
        {
            connection.EndOpen(result);
            lock (_connections)
            {
                _connections.Add(connection);
            }

            connection.SafeAddClosed((_, _) =>
            {
                lock (_connections)
                {
                    _connections.Remove(connection);
                }
            });
        }
        catch (Exception exception) when (exception is AmqpException or TimeoutException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
            LogConnectionFailed(_logger, exception);
            connection.SafeClose(exception);
        }
    }

    [LoggerMessage(EventId = 9140, EventName = "BrokerConnectionFailed", Level = LogLevel.Debug, Message = "A connection could not be opened")]
    private static partial void LogConnectionFailed(ILogger logger, Exception exception);
}
