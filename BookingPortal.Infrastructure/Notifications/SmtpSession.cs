using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace BookingPortal.Infrastructure.Notifications;

/// <summary>
/// One outbox pass's conversation with the <c>Smtp</c> server (MailKit), opened by its first message, so a pass with
/// nothing to send never connects. Every message of the product leaves through here.
/// </summary>
public sealed class SmtpSession(SmtpOptions options, TimeProvider time) : IAsyncDisposable
{
    private readonly SmtpClient _client = new();
    private readonly string _host = options.IsConfigured ? options.Host! : throw new InvalidOperationException("Smtp:Host is not set.");

    // Parsed once per pass and outside any message's try: a bad From is the configuration's fault, not the recipient's.
    private readonly MailboxAddress _from = MailboxAddress.Parse(options.From);

    /// <summary>How many messages one pass sends at most, so a backlog cannot hold the job for ever.</summary>
    private const int MaxPerPass = 200;

    /// <summary>
    /// One outbox pass: <paramref name="sendOne"/> claims, sends and marks one item per call, until it finds none or the
    /// pass has sent its share. Nothing happens without an <c>Smtp:Host</c>. Returns how many items were dealt with.
    /// </summary>
    public static async Task<int> PassAsync(SmtpOptions options, TimeProvider time, ILogger logger, string items,
        Func<SmtpSession, CancellationToken, Task<bool>> sendOne, CancellationToken ct)
    {
        if (!options.IsConfigured)
        {
            return 0;
        }

        await using var session = new SmtpSession(options, time);
        var done = 0;
        while (done < MaxPerPass && await sendOne(session, ct))
        {
            done++;
        }

        if (done > 0)
        {
            logger.LogInformation("Mailed {Count} {Items}", done, items);
        }

        return done;
    }

    /// <summary>The sender's bare address; calendar invitations name it as their organiser.</summary>
    public string FromAddress => _from.Address;

    /// <summary>
    /// Sends one message, or returns false when its recipient can never take mail (no address, or refused for good by
    /// the server), so the caller marks it instead of letting it head the queue for ever. Anything passing (a server
    /// down, a 4xx answer) throws, and the message stays queued for the next pass.
    /// </summary>
    public async Task<bool> SendAsync(string to, string subject, MimeEntity body, (string Name, string Value) trace, CancellationToken ct)
    {
        if (!MailboxAddress.TryParse(to, out var recipient))
        {
            return false;
        }

        var message = new MimeMessage { Subject = subject, Body = body, Date = time.GetUtcNow() };
        message.From.Add(_from);
        message.To.Add(recipient);
        message.Headers.Add(trace.Name, trace.Value);
        if (!_client.IsConnected)
        {
            await ConnectAsync(ct);
        }

        try
        {
            await _client.SendAsync(message, ct);
            return true;
        }
        catch (SmtpCommandException e) when (e.ErrorCode == SmtpErrorCode.RecipientNotAccepted && (int)e.StatusCode >= 500)
        {
            return false;
        }
    }

    private async Task ConnectAsync(CancellationToken ct)
    {
        // EnableSsl meant STARTTLS to System.Net.Mail, which could not speak implicit TLS at all; MailKit can, and
        // port 465 is where servers expect it.
        var security = !options.EnableSsl ? SecureSocketOptions.None
            : options.Port == 465 ? SecureSocketOptions.SslOnConnect
            : SecureSocketOptions.StartTls;
        await _client.ConnectAsync(_host, options.Port, security, ct);
        if (!string.IsNullOrEmpty(options.UserName))
        {
            await _client.AuthenticateAsync(options.UserName, options.Password ?? string.Empty, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync(quit: true);
            }
        }
        catch (Exception e) when (e is IOException or MailKit.ProtocolException)
        {
            // What was sent is committed; a server that hangs up before QUIT is answered changes nothing, and must not
            // hide the exception that may have ended the pass.
        }

        _client.Dispose();
    }
}
