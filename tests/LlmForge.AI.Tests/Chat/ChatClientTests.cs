using System.Text;
using LlmForge.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using TempDirectory = LlmForge.Tests.Checkpoints.TempDirectory;

namespace LlmForge.Tests.Chat;

/// <summary>LlmForge's IChatClient, obtained through DI and used through Microsoft.Extensions.AI's types only.</summary>
public sealed class ChatClientTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ServiceProvider _services;
    private readonly IChatClient _client;

    public ChatClientTests()
    {
        TinyModels.WriteGpt(_dir.Path);
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddLlmForgeChatClient(_dir.Path).UseLogging(); // the builder composes M.E.AI's middleware
        _services = services.BuildServiceProvider();
        _client = _services.GetRequiredService<IChatClient>();
    }

    public void Dispose()
    {
        _services.Dispose();
        _dir.Dispose();
    }

    private static readonly ChatMessage[] Chat = [new(ChatRole.System, "You are terse."), new(ChatRole.User, "Hello there, who are you?")];

    private static async Task<(string Text, List<ChatResponseUpdate> Updates)> Stream(IChatClient client, ChatOptions options, CancellationToken token = default)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync(Chat, options, token)) updates.Add(u);
        return (string.Concat(updates.Select(u => u.Text)), updates);
    }

    [Fact]
    public async Task Streaming_yields_the_same_text_usage_and_finish_reason_as_the_non_streaming_call()
    {
        var options = new ChatOptions { Temperature = 1f, Seed = 42, MaxOutputTokens = 24 };
        var response = await _client.GetResponseAsync(Chat, options);
        var (text, updates) = await Stream(_client, options);

        Assert.NotEmpty(response.Text);
        Assert.Equal(response.Text, text);
        Assert.True(updates.Count(u => u.Text.Length > 0) > 1, "the reply comes in several pieces");
        Assert.All(updates, u => Assert.Equal(ChatRole.Assistant, u.Role));
        Assert.Equal(response.FinishReason, updates[^1].FinishReason);
        var usage = updates[^1].Contents.OfType<UsageContent>().Single().Details;
        Assert.Equal(response.Usage!.OutputTokenCount, usage.OutputTokenCount);
        Assert.True(usage.InputTokenCount > 10, $"prompt tokens {usage.InputTokenCount}");
        Assert.Equal(usage.InputTokenCount + usage.OutputTokenCount, usage.TotalTokenCount);
        // every piece is whole characters (a random model's invalid byte runs decode to U+FFFD, never to half a pair)
        Assert.All(updates, u => Assert.False(u.Text.Length > 0 && (char.IsLowSurrogate(u.Text[0]) || char.IsHighSurrogate(u.Text[^1])), u.Text));
    }

    [Fact]
    public async Task Max_output_tokens_ends_the_reply_with_finish_reason_length()
    {
        var response = await _client.GetResponseAsync(Chat, new ChatOptions { Temperature = 0, MaxOutputTokens = 7 });
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(7, response.Usage!.OutputTokenCount);
        var longer = await _client.GetResponseAsync(Chat, new ChatOptions { Temperature = 0, MaxOutputTokens = 20 });
        Assert.StartsWith(response.Text, longer.Text);
        Assert.True(longer.Text.Length > response.Text.Length);
    }

    [Fact]
    public async Task A_stop_sequence_ends_the_reply_before_it_and_never_shows_it_while_streaming()
    {
        var full = await _client.GetResponseAsync(Chat, new ChatOptions { Temperature = 0, MaxOutputTokens = 30 });
        Assert.True(full.Text.Length >= 12, full.Text);
        string stop = full.Text.Substring(full.Text.Length / 2, 3);
        string expected = full.Text[..full.Text.IndexOf(stop, StringComparison.Ordinal)];

        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 30, StopSequences = [stop] };
        var stopped = await _client.GetResponseAsync(Chat, options);
        var (text, updates) = await Stream(_client, options);

        Assert.Equal(expected, stopped.Text);
        Assert.Equal(ChatFinishReason.Stop, stopped.FinishReason);
        Assert.Equal(expected, text);
        Assert.All(updates, u => Assert.DoesNotContain(stop, u.Text));
        Assert.True(stopped.Usage!.OutputTokenCount < 30);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_reply_and_another_seed_another()
    {
        var a = await _client.GetResponseAsync(Chat, new ChatOptions { Temperature = 1.5f, Seed = 5, MaxOutputTokens = 16 });
        var b = await _client.GetResponseAsync(Chat, new ChatOptions { Temperature = 1.5f, Seed = 5, MaxOutputTokens = 16 });
        var c = await _client.GetResponseAsync(Chat, new ChatOptions { Temperature = 1.5f, Seed = 6, MaxOutputTokens = 16 });
        Assert.Equal(a.Text, b.Text);
        Assert.NotEqual(a.Text, c.Text);
    }

    [Fact]
    public async Task Top_k_one_is_greedy_whatever_the_temperature_and_seed()
    {
        var greedy = await _client.GetResponseAsync(Chat, new ChatOptions { Temperature = 0, MaxOutputTokens = 12 });
        var topK = await _client.GetResponseAsync(Chat, new ChatOptions { Temperature = 2f, TopK = 1, Seed = 99, MaxOutputTokens = 12 });
        var topP = await _client.GetResponseAsync(Chat, new ChatOptions { Temperature = 2f, TopP = 1e-6f, Seed = 98, MaxOutputTokens = 12 });
        Assert.Equal(greedy.Text, topK.Text);
        Assert.Equal(greedy.Text, topP.Text);
    }

    [Fact]
    public async Task Cancellation_stops_the_stream_with_OperationCanceledException()
    {
        using var cts = new CancellationTokenSource();
        int pieces = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var u in _client.GetStreamingResponseAsync(Chat, new ChatOptions { MaxOutputTokens = 60 }, cts.Token))
            {
                if (u.Text.Length > 0 && ++pieces == 2) cts.Cancel();
            }
        });
        Assert.Equal(2, pieces);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _client.GetResponseAsync(Chat, cancellationToken: cts.Token));
        // the client is free again for the next request
        Assert.NotEmpty((await _client.GetResponseAsync(Chat, new ChatOptions { MaxOutputTokens = 4 })).Text);
    }

    [Fact]
    public void Metadata_names_the_provider_and_the_model_directory()
    {
        var metadata = _client.GetService<ChatClientMetadata>();
        Assert.NotNull(metadata);
        Assert.Equal("LlmForge", metadata.ProviderName);
        Assert.Equal(Path.GetFileName(_dir.Path), metadata.DefaultModelId);
        Assert.Equal(new Uri(_dir.Path), metadata.ProviderUri);
    }

    [Fact]
    public async Task Bad_options_are_errors_naming_the_setting()
    {
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => _client.GetResponseAsync(Chat, new ChatOptions { TopP = 0 }));
        Assert.Contains("TopP", e.Message);
        e = await Assert.ThrowsAnyAsync<ArgumentException>(() => _client.GetResponseAsync(Chat, new ChatOptions { MaxOutputTokens = 0 }));
        Assert.Contains("MaxOutputTokens", e.Message);
        var registration = Assert.ThrowsAny<ArgumentException>(() => new ServiceCollection().AddLlmForgeChatClient(o =>
        {
            o.ModelDirectory = _dir.Path;
            o.ChatTemplate = "vicuna";
        }));
        Assert.Contains("ChatTemplate", registration.Message);
        Assert.Contains("chatml", registration.Message);
    }
}
