// Types of scripts/buildState.js, for the tests that check the binary they run is freshly built.
export declare const BUILD_OUTPUTS: string[];
export declare function staleBuild(): string | undefined;
