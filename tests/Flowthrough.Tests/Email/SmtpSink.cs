using System.Diagnostics;
using System.Net;
using System.Text;
using System.Net.Sockets;
using MimeKit;

namespace Flowthrough.Tests.Email;

/// <summary>
/// A real SMTP server for tests: aiosmtpd's Mailbox handler storing every message in a Maildir. The handler adds
/// X-MailFrom and X-RcptTo headers carrying the SMTP envelope.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    // The Debian package installs into the system Python; a pyenv or venv python3 earlier on PATH does not see it.
    private static readonly Lazy<string?> Python = new(() =>
        new[] { "python3", "/usr/bin/python3" }.FirstOrDefault(HasAiosmtpd));

    private readonly Process process;
    private readonly string maildir;
    private readonly StringBuilder errors = new();

    private SmtpSink(Process process, string maildir, int port)
    {
        this.process = process;
        this.maildir = maildir;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The Python that can run aiosmtpd; missing, it skips the test locally and fails it in CI.</summary>
    public static string RequirePython()
    {
        if (Python.Value is { } python)
        {
            return python;
        }

        const string message = "python3 -m aiosmtpd is not available; install it with apt-get install -y python3-aiosmtpd.";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            throw new InvalidOperationException(message);
        }

        Assert.Skip(message);
        return "";
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<SmtpSink> StartAsync(int? port = null)
    {
        var python = RequirePython();
        var chosen = port ?? FreePort();
        var maildir = Path.Combine(Path.GetTempPath(), $"flowthrough-smtp-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo(python)
        {
            ArgumentList = { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{chosen}", "-c", "aiosmtpd.handlers.Mailbox", maildir },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start aiosmtpd.");
        var sink = new SmtpSink(process, maildir, chosen);
        // Both pipes are drained so a chatty server can never block on a full one.
        process.ErrorDataReceived += (_, e) =>
        {
            lock (sink.errors)
            {
                sink.errors.AppendLine(e.Data);
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            await sink.WaitUntilListeningAsync();
            return sink;
        }
        catch
        {
            await sink.DisposeAsync();
            throw;
        }
    }

    private async Task WaitUntilListeningAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync();
                lock (errors)
                {
                    throw new InvalidOperationException($"aiosmtpd exited with {process.ExitCode}: {errors}");
                }
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"aiosmtpd did not listen on port {Port}.");
    }

    public async Task<IReadOnlyList<MimeMessage>> MessagesAsync()
    {
        var folder = Path.Combine(maildir, "new");
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var messages = new List<MimeMessage>();
        foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
        {
            messages.Add(await MimeMessage.LoadAsync(file));
        }

        return messages;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        if (Directory.Exists(maildir))
        {
            Directory.Delete(maildir, recursive: true);
        }
    }

    private static bool HasAiosmtpd(string python)
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo(python)
            {
                ArgumentList = { "-c", "import aiosmtpd" },
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            });
            if (probe is null)
            {
                return false;
            }

            probe.WaitForExit();
            return probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
