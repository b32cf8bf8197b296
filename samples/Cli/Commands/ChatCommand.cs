using System.CommandLine;
using LlmForge.AI.Chat;
using LlmForge.Cli.Hosting;
using LlmForge.Cli.Parsing;
using Microsoft.Extensions.AI;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge chat</c>: an interactive chat with a causal LM directory — a thin caller of LlmForge.AI's
/// <see cref="LlmForgeChatClient"/> (an <see cref="IChatClient"/>) through <see cref="ConsoleChat"/>. Each line read
/// from stdin is a user message; the reply is streamed to stdout and ended with a newline. <c>/reset</c> clears the
/// history, <c>/exit</c> or the end of stdin ends the chat. With a piped stdin no "&gt; " prompt is printed, so the
/// output is the replies only, one after another.
/// </summary>
public sealed class ChatCommand : ICommand
{
    public string Name => "chat";

    public string Summary => "chat with a GPT-2 or Llama-family model directory (history, streamed replies, /reset, /exit)";

    public string Synopsis => "usage: llmforge chat --model DIR [--system TEXT] [flags]   (then one message a line; /reset, /exit)";

    public string Notes => """
        The chat template is the directory's (tokenizer_config.json "chat_template": ChatML, Llama 3, Alpaca), else the plain
        "User: … / Assistant:" transcript; --template chooses one. Replies stop at the model's end tokens and the template's
        end of turn. --stats prints each reply's tokens, seconds and tokens/s on stderr. Ctrl-C ends the chat (exit 130).
        """;

    private static readonly Option<string?> Model = Flag.Text("--model", "DIR", "config.json + model.safetensors + tokenizer files (GPT-2 or Llama-family)");
    private static readonly Option<string?> System = Flag.Text("--system", "TEXT", "the system message every chat starts with (kept by /reset)");
    private static readonly Option<string?> Template = Flag.Choice("--template", "NAME",
        "the chat format instead of the directory's: chatml, llama-3, llama-3.1, alpaca or plain", [.. ChatPromptFormats.Names]);
    private static readonly Option<float?> Temperature = Flag.Float("--temperature", "T", "≥ 0: 0 = greedy (argmax), default 1.0", min: 0);
    private static readonly Option<int?> TopK = Flag.Int("--top-k", "K", "≥ 0: sample among the K most likely tokens (0 = all, the default)", min: 0);
    private static readonly Option<float?> TopP = Flag.Float("--top-p", "P", "in (0, 1]: nucleus sampling (default 1 = off)", min: 0, max: 1, minExclusive: true);
    private static readonly Option<int?> MaxNewTokens = Flag.Int("--max-new-tokens", "N", "at most N new tokens per reply (default 256)", min: 1);
    private static readonly Option<ulong?> Seed = Flag.ULong("--seed", "S", "sampling seed of every reply (default 1337)");
    private static readonly Option<string?> Weights = Flag.Choice("--weights", "FORMAT",
        "float32 (default), bf16: the linear layers multiply by bfloat16 copies of their weights, or int8: by 8-bit copies " +
        "(q8_0 blocks of 32)", "float32", "bf16", "int8");
    private static readonly Option<bool> Stats = Flag.Switch("--stats", "after each reply, print its tokens, seconds and tokens/s on stderr");

    public IReadOnlyList<Option> Options { get; } =
        [Model, System, Template, Temperature, TopK, TopP, MaxNewTokens, Seed, BackendFlags.Backend, BackendFlags.Threads, Weights, Stats];

    public int Run(ParseResult parsed, TextWriter stdout, TextWriter stderr)
    {
        string directory = ModelDirectory.Require(Name, "model", parsed.GetValue(Model));
        var backend = BackendFactory.FromConfiguration(parsed.GetValue(BackendFlags.Backend), parsed.GetValue(BackendFlags.Threads) ?? 0);
        using var client = new LlmForgeChatClient(new LlmForgeChatClientOptions
        {
            ModelDirectory = directory,
            ChatTemplate = parsed.GetValue(Template),
            Backend = backend,
            BFloat16Weights = parsed.GetValue(Weights) == "bf16",
            Int8Weights = parsed.GetValue(Weights) == "int8",
        });
        var options = new ChatOptions
        {
            Temperature = parsed.GetValue(Temperature),
            TopK = parsed.GetValue(TopK),
            TopP = parsed.GetValue(TopP),
            MaxOutputTokens = parsed.GetValue(MaxNewTokens),
            Seed = parsed.GetValue(Seed) is ulong seed ? unchecked((long)seed) : null,
        };
        var chat = new ConsoleChat(client, parsed.GetValue(System), options)
        {
            Prompt = Console.IsInputRedirected ? "" : "> ",
            Statistics = parsed.GetValue(Stats) ? stderr : null,
        };
        // Ctrl-C stops the reply before its next token and ends the chat; the text printed so far stays.
        using var interrupt = new InterruptSignals(stderr, "ending the chat before the next token", "(the text printed so far stays)");
        try
        {
            chat.RunAsync(Console.In, stdout, interrupt.Token).GetAwaiter().GetResult();
            return 0;
        }
        catch (OperationCanceledException) when (interrupt.Token.IsCancellationRequested)
        {
            return InterruptSignals.ExitCode;
        }
    }
}
