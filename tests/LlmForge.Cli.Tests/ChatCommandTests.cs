using System.Diagnostics;
using LlmForge.AI.Chat;
using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Cli;
using LlmForge.Tokenization;
using Microsoft.Extensions.AI;
using Xunit;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;
using TempDirectory = LlmForge.Tests.Checkpoints.TempDirectory;

namespace LlmForge.Tests.Cli;

/// <summary><c>llmforge chat</c> with a piped stdin: one message a line, replies streamed, history kept, /reset, /exit.</summary>
public sealed class ChatCommandTests : IDisposable
{
    private const string ChatMlTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private readonly TempDirectory _dir = new();

    public ChatCommandTests()
    {
        File.Copy(FixturePath.Of("tokenizer-json", "tokenizer.json"), _dir.File("tokenizer.json"));
        var tokenizer = TokenizerJson.Load(_dir.File("tokenizer.json"));
        var config = new GptConfig // context 128: a few turns fit uncropped
        {
            VocabSize = tokenizer.VocabSize, ContextLength = 128, EmbeddingDim = 16, Layers = 1, Heads = 2, TieWeights = false,
            EmbeddingDropRate = 0, AttentionDropRate = 0, ResidualDropRate = 0,
        };
        Gpt2Checkpoint.Save(new GptModel(config, new ManagedBackend(), seed: 7), _dir.Path);
        File.WriteAllText(_dir.File("tokenizer_config.json"), System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["chat_template"] = ChatMlTemplate }));
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Runs the built llmforge with <paramref name="stdin"/> piped in.</summary>
    private static async Task<(int Code, string Out, string Err)> Run(string stdin, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(CommandLine).Assembly.Location);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        Assert.True(process.WaitForExit(60_000), "chat did not end at the end of its input");
        return (process.ExitCode, (await output).Replace("\r\n", "\n"), await error);
    }

    /// <summary>The greedy reply the IChatClient gives to <paramref name="chat"/> (in-process, the same directory).</summary>
    private string Reply(params ChatMessage[] chat)
    {
        using var client = new LlmForgeChatClient(new LlmForgeChatClientOptions { ModelDirectory = _dir.Path });
        return client.GetResponseAsync(chat, new ChatOptions { Temperature = 0, MaxOutputTokens = 6 }).GetAwaiter().GetResult().Text;
    }

    [Fact]
    public async Task Piped_lines_are_turns_with_history_reset_clears_it_and_exit_ends_the_chat()
    {
        var (code, output, error) = await Run("Hello\n\nHow are you?\n/reset\nHow are you?\n/exit\nnever read\n",
            "chat", "--model", _dir.Path, "--system", "Be kind.", "--temperature", "0", "--max-new-tokens", "6");
        Assert.True(code == 0, error);

        var system = new ChatMessage(ChatRole.System, "Be kind.");
        string first = Reply(system, new(ChatRole.User, "Hello"));
        string second = Reply(system, new(ChatRole.User, "Hello"), new(ChatRole.Assistant, first), new(ChatRole.User, "How are you?"));
        string afterReset = Reply(system, new(ChatRole.User, "How are you?"));
        Assert.NotEqual(second, afterReset); // the history changes the reply
        Assert.Equal($"{first}\n{second}\n(history cleared)\n{afterReset}\n", output);
        Assert.Equal("", error);
    }

    [Fact]
    public async Task Stats_reports_each_replys_tokens_and_speed_on_stderr()
    {
        var (code, output, error) = await Run("Hi\nBye\n", "chat", "--model", _dir.Path, "--max-new-tokens", "4", "--seed", "3", "--stats", "--template", "plain");
        Assert.True(code == 0, error);
        Assert.EndsWith("\n", output);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^\[[1-4] tokens in \d+\.\d\d s: \d+\.\d tokens/s; prompt \d+ tokens, first text after \d+\.\d\d s\]$", l));
    }

    [Fact]
    public void Bad_flags_are_one_line_errors()
    {
        var missing = Cli.Run("chat", "--model", _dir.File("nope"));
        Assert.Equal(2, missing.Code);
        Assert.Contains("--model", missing.Err);
        Assert.Equal(1, missing.Err.Count(c => c == '\n'));
        var template = Cli.Run("chat", "--model", _dir.Path, "--template", "vicuna");
        Assert.Equal(2, template.Code);
        Assert.Contains("chatml, llama-3, llama-3.1, alpaca, plain", template.Err);
    }
}
