using LlmForge.AI.Chat;
using Xunit;

namespace LlmForge.Tests.Chat;

/// <summary>Text that may begin a stop sequence is held back until the next piece tells; a stop sequence is never shown.</summary>
public class StopSequenceFilterTests
{
    private static (string[] Shown, bool Stopped) Run(string[] stops, params string[] pieces)
    {
        var filter = new StopSequenceFilter(stops);
        var shown = pieces.Select(filter.Push).ToList();
        shown.Add(filter.Flush());
        return ([.. shown], filter.Stopped);
    }

    [Fact]
    public void A_stop_sequence_split_over_pieces_is_held_back_and_cut()
    {
        var (shown, stopped) = Run(["\nUser:"], "Hel", "lo\nUs", "er: more", "never");
        Assert.Equal(["Hel", "lo", "", "", ""], shown);
        Assert.True(stopped);
    }

    [Fact]
    public void A_false_start_is_released_when_the_next_piece_rules_it_out_or_at_the_end()
    {
        var (shown, stopped) = Run(["\nUser:"], "a\nU", "sually", " b\nUse");
        Assert.Equal(["a", "\nUsually", " b", "\nUse"], shown);
        Assert.False(stopped);
    }

    [Fact]
    public void The_earliest_of_several_stop_sequences_wins_and_surrogate_pairs_stay_whole()
    {
        var (shown, stopped) = Run(["END", "😀x"], "ok 😀", "y then END and 😀x");
        Assert.Equal("ok 😀y then ", string.Concat(shown));
        Assert.Equal("ok ", shown[0]); // the emoji might start "😀x": held back whole, not half a pair
        Assert.True(stopped);
    }
}
