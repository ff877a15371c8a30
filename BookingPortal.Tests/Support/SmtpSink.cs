using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace BookingPortal.Tests.Support;

/// <summary>
/// A small SMTP server on loopback that keeps every message it accepts: enough of RFC 5321 for MailKit's client
/// (greeting, EHLO with 8BITMIME and SMTPUTF8, a MAIL-RCPT-DATA transaction in order, DATA with dot-stuffing, RSET,
/// NOOP, QUIT).
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _sessions = [];
    private readonly HashSet<string> _refused;
    private readonly Task _accepting;

    /// <param name="refusedRecipients">Refused for good (550), as a server refuses a mailbox that does not exist.</param>
    public SmtpSink(params string[] refusedRecipients)
    {
        _refused = refusedRecipients.ToHashSet(StringComparer.OrdinalIgnoreCase);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every message received, as its raw DATA (headers and body).</summary>
    public ConcurrentQueue<string> Messages { get; } = new();

    /// <summary>Every message received, parsed as a mail client reads it.</summary>
    public IReadOnlyList<MimeMessage> Received => Messages.Select(Parse).ToList();

    /// <summary>The value of one header in each message that has it, decoded.</summary>
    public IReadOnlyList<string> HeaderValues(string header) => Received
        .SelectMany(m => m.Headers.Where(h => h.Field.Equals(header, StringComparison.OrdinalIgnoreCase)).Take(1))
        .Select(h => h.Value)
        .ToList();

    /// <summary>
    /// A message's text body, decoded from whatever transfer encoding it was sent in, without the line break that ends
    /// its last line (SMTP data is lines, so a client ends an unterminated text with one).
    /// </summary>
    public static string Body(string message) =>
        (Parse(message).TextBody ?? throw new InvalidOperationException("The message has no text body.")).TrimEnd('\r', '\n');

    private static MimeMessage Parse(string message)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(message));
        return MimeMessage.Load(stream);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _sessions.Add(ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            // 8BITMIME and SMTPUTF8 let the client send UTF-8 as it is.
            using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
            string? sender = null;
            var recipients = new List<string>();
            try
            {
                await writer.WriteLineAsync("220 sink.test ESMTP ready");
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO":
                            await writer.WriteLineAsync("250-sink.test");
                            await writer.WriteLineAsync("250-8BITMIME");
                            await writer.WriteLineAsync("250 SMTPUTF8");
                            break;
                        case "HELO":
                            await writer.WriteLineAsync("250 sink.test");
                            break;
                        case "MAIL" when sender is not null:
                            await writer.WriteLineAsync("503 5.5.1 nested MAIL command");
                            break;
                        case "MAIL":
                            sender = AddressIn(line);
                            await writer.WriteLineAsync("250 2.1.0 ok");
                            break;
                        case "RCPT" when sender is null:
                            await writer.WriteLineAsync("503 5.5.1 need MAIL first");
                            break;
                        case "RCPT" when _refused.Contains(AddressIn(line)):
                            await writer.WriteLineAsync("550 5.1.1 no such mailbox");
                            break;
                        case "RCPT":
                            recipients.Add(AddressIn(line));
                            await writer.WriteLineAsync("250 2.1.5 ok");
                            break;
                        case "DATA" when recipients.Count == 0:
                            await writer.WriteLineAsync("503 5.5.1 need RCPT first");
                            break;
                        case "DATA":
                            await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                            Messages.Enqueue(await ReadDataAsync(reader));
                            (sender, recipients) = (null, []);
                            await writer.WriteLineAsync("250 2.0.0 queued");
                            break;
                        case "RSET":
                            (sender, recipients) = (null, []);
                            await writer.WriteLineAsync("250 2.0.0 ok");
                            break;
                        case "NOOP":
                            await writer.WriteLineAsync("250 2.0.0 ok");
                            break;
                        case "QUIT":
                            await writer.WriteLineAsync("221 2.0.0 bye");
                            return;
                        default:
                            await writer.WriteLineAsync("502 5.5.2 command not implemented");
                            break;
                    }
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The client hung up or the sink is stopping.
            }
        }
    }

    /// <summary>The address of <c>MAIL FROM:&lt;a&gt; BODY=8BITMIME</c> or <c>RCPT TO:&lt;a&gt;</c>.</summary>
    private static string AddressIn(string line)
    {
        var start = line.IndexOf('<', StringComparison.Ordinal) + 1;
        return line[start..line.IndexOf('>', start)];
    }

    private async Task<string> ReadDataAsync(StreamReader reader)
    {
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(_stop.Token) is { } line && line != ".")
        {
            data.Append(line.StartsWith("..", StringComparison.Ordinal) ? line[1..] : line).Append("\r\n");
        }

        return data.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;

        await Task.WhenAll(_sessions);
        _stop.Dispose();
    }
}
