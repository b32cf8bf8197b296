using LlmForge.Generation;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Generation;

/// <summary>StreamAsync gives the text of Complete piece by piece; a cancelled token stops generation before the next token.</summary>
public class TextGeneratorStreamingTests
{
    private static readonly CharTokenizer Tokenizer = new("abcdefgh");

    /// <summary>Logits that depend on the last two tokens, so sampled text varies along the way.</summary>
    private static FakeLanguageModel Varied() => new(vocab: 8, contextLength: 6, prefix =>
    {
        var logits = new float[8];
        for (int v = 0; v < 8; v++) logits[v] = (prefix[^1] * 3 + v * 5 + (prefix.Count > 1 ? prefix[^2] : 0)) % 7 * 0.4f;
        return logits;
    });

    [Theory]
    [InlineData(0f, 30)]
    [InlineData(1f, 40)]
    public async Task Streamed_pieces_concatenated_equal_the_completed_text(float temperature, int maxNewTokens)
    {
        var sampling = new SamplingOptions { Temperature = temperature, Seed = 11 };
        var pieces = new List<string>();
        string expected = new TextGenerator(Varied(), sampling, stopTokenId: 7).Complete(Tokenizer, "abc", maxNewTokens, pieces.Add);

        var streamed = new List<string>();
        await foreach (string piece in new TextGenerator(Varied(), sampling, stopTokenId: 7).StreamAsync(Tokenizer, "abc", maxNewTokens))
            streamed.Add(piece);

        Assert.NotEqual("", expected);
        Assert.Equal(pieces, streamed);
        Assert.Equal(expected, string.Concat(streamed));
    }

    [Fact]
    public async Task Cancelling_a_stream_stops_it_before_the_next_token()
    {
        var model = Varied();
        using var cancel = new CancellationTokenSource();
        var received = new List<string>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (string piece in new TextGenerator(model, SamplingOptions.Greedy).StreamAsync(Tokenizer, "ab", 50, cancel.Token))
            {
                received.Add(piece);
                if (received.Count == 3) await cancel.CancelAsync();
            }
        });

        Assert.Equal(3, received.Count);
        Assert.Equal(3, model.Contexts.Count); // one forward per token: none after the cancellation
    }

    [Fact]
    public void Cancelling_generate_stops_it_before_the_next_token()
    {
        var model = FakeLanguageModel.Counting(vocab: 8, contextLength: 8);
        using var cancel = new CancellationTokenSource();
        var ids = new List<int>();
        Assert.Throws<OperationCanceledException>(() =>
        {
            foreach (int id in new TextGenerator(model, SamplingOptions.Greedy).Generate([0], 20, cancel.Token))
            {
                ids.Add(id);
                if (ids.Count == 2) cancel.Cancel();
            }
        });

        Assert.Equal([1, 2], ids);
        Assert.Equal(2, model.Contexts.Count);
    }

    [Fact]
    public void A_cancelled_token_runs_no_forward()
    {
        var model = FakeLanguageModel.Counting(vocab: 8, contextLength: 8);
        var generator = new TextGenerator(model, SamplingOptions.Greedy);

        Assert.Throws<OperationCanceledException>(() => generator.Complete(Tokenizer, "a", 5, null, new CancellationToken(canceled: true)));
        Assert.Empty(model.Contexts);
    }
}
