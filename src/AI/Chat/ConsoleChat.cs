using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace LlmForge.AI.Chat;

/// <summary>
/// A console chat over any <see cref="IChatClient"/>: reads the user's lines, keeps the history (the system message
/// first), streams each reply to the output as it is generated and ends it with a newline. <c>/reset</c> forgets the
/// history (the system message stays), <c>/exit</c> or the end of the input ends the chat; blank lines are skipped.
/// Works the same with a terminal or a piped input (one user message a line).
/// </summary>
public sealed class ConsoleChat
{
    private readonly IChatClient _client;
    private readonly List<ChatMessage> _history = [];

    /// <param name="client">Answers each turn.</param>
    /// <param name="system">The system message every chat starts with; null or empty: none.</param>
    /// <param name="options">The options of every request (sampling, limits); null: the client's defaults.</param>
    public ConsoleChat(IChatClient client, string? system = null, ChatOptions? options = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        System = string.IsNullOrEmpty(system) ? null : system;
        Options = options;
        Reset();
    }

    /// <summary>The system message, or null.</summary>
    public string? System { get; }

    /// <summary>The options every request is sent with.</summary>
    public ChatOptions? Options { get; }

    /// <summary>Written before each user line is read ("&gt; " on a terminal); "" writes nothing.</summary>
    public string Prompt { get; init; } = "";

    /// <summary>Where each reply's figures go (tokens, seconds, tokens/s), one line per reply; null: not reported.</summary>
    public TextWriter? Statistics { get; init; }

    /// <summary>The messages so far, the system message first.</summary>
    public IReadOnlyList<ChatMessage> History => _history;

    /// <summary>Generated tokens and decoding seconds of every reply so far (for tokens/s over a session).</summary>
    public (long Tokens, double Seconds) Totals { get; private set; }

    /// <summary>Forgets every turn; the system message stays.</summary>
    public void Reset()
    {
        _history.Clear();
        if (System is not null) _history.Add(new ChatMessage(ChatRole.System, System));
    }

    /// <summary>Chats until <c>/exit</c> or the end of <paramref name="input"/>.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the reply so far is printed and ended with a newline).</exception>
    public async Task RunAsync(TextReader input, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        while (true)
        {
            if (Prompt.Length > 0) { await output.WriteAsync(Prompt).ConfigureAwait(false); await output.FlushAsync(cancellationToken).ConfigureAwait(false); }
            string? line = await input.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null) return;
            line = line.Trim();
            if (line.Length == 0) continue;
            if (line == "/exit") return;
            if (line == "/reset")
            {
                Reset();
                await output.WriteLineAsync("(history cleared)").ConfigureAwait(false);
                continue;
            }
            await ReplyAsync(line, output, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One turn: <paramref name="user"/> is added to the history, the reply is streamed to <paramref name="output"/> and added too.</summary>
    /// <returns>The reply's text.</returns>
    public async Task<string> ReplyAsync(string user, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(output);
        _history.Add(new ChatMessage(ChatRole.User, user));
        var reply = new StringBuilder();
        UsageDetails? usage = null;
        var clock = Stopwatch.StartNew();
        double firstPiece = 0;
        try
        {
            await foreach (var update in _client.GetStreamingResponseAsync(_history, Options, cancellationToken).ConfigureAwait(false))
            {
                if (update.Text.Length > 0)
                {
                    if (reply.Length == 0) firstPiece = clock.Elapsed.TotalSeconds;
                    reply.Append(update.Text);
                    await output.WriteAsync(update.Text).ConfigureAwait(false);
                    await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                }
                usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
            }
        }
        finally
        {
            await output.WriteLineAsync().ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        _history.Add(new ChatMessage(ChatRole.Assistant, reply.ToString()));
        long tokens = usage?.OutputTokenCount ?? 0;
        Totals = (Totals.Tokens + tokens, Totals.Seconds + seconds);
        if (Statistics is not null)
            await Statistics.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"[{tokens} tokens in {seconds:F2} s: {tokens / Math.Max(seconds, 1e-9):F1} tokens/s; prompt {usage?.InputTokenCount ?? 0} tokens, first text after {firstPiece:F2} s]")).ConfigureAwait(false);
        return reply.ToString();
    }
}
