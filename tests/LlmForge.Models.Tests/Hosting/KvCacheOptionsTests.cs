using LlmForge.Hosting;
using LlmForge.Layers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace LlmForge.Tests.Hosting;

/// <summary>LlmForge:KvCache: bound into a <see cref="KvCachePolicy"/>, a bad value or key named in one message.</summary>
public class KvCacheOptionsTests
{
    [Fact]
    public void The_section_binds_to_a_policy_and_a_sink_kind_defaults_to_four_sinks()
    {
        var settings = LlmForgeServices.SmallVariant();
        settings["LlmForge:KvCache:Kind"] = "Sink";
        settings["LlmForge:KvCache:Window"] = "256";
        using var provider = LlmForgeServices.Build(settings);
        var policy = provider.GetRequiredService<IOptions<LlmForgeOptions>>().Value.KvCache.ToPolicy();
        Assert.Equal(new KvCachePolicy { Kind = KvCacheKind.Sink, Sinks = 4, Window = 256 }, policy);
        Assert.Equal(KvCachePolicy.Dense, new KvCacheOptions().ToPolicy());
    }

    [Theory]
    [InlineData("Kind", "sinks", "LlmForge:KvCache:Kind: 'sinks' is unknown; valid values: dense, recompute, window, sink.")]
    [InlineData("Window", "0", "LlmForge:KvCache:Window: 0 must be ≥ 1 token.")]
    [InlineData("Sinks", "2", "LlmForge:KvCache:Sinks: 2 sinks need Kind sink, not dense.")]
    [InlineData("Windw", "8", "LlmForge:KvCache:Windw is not a setting; did you mean Window?")]
    public void A_bad_value_or_key_is_named(string key, string value, string message)
    {
        var settings = LlmForgeServices.SmallVariant();
        settings["LlmForge:KvCache:" + key] = value;
        using var provider = LlmForgeServices.Build(settings);
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<LlmForgeOptions>>().Value);
        Assert.Equal(message, e.Message);
    }
}
