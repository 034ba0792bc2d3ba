%% The tasks benchmark in Erlang: the same algorithms as tasks.wat, run by
%% bench/Tessera.Bench/Tasks/TasksSuite.cs with `erl +P 4000000 -noshell`. Prints one
%% "key value" line per figure: medians of Runs runs.
-module(tasks).
-export([main/1]).

main([SpawnN, RoundN, Levels, ParkN, Runs, Sizes]) ->
    [io:format("erlang_message_~p_roundtrip_us ~.4f~n",
               [Size, median([bounce(hops(Size), Size) || _ <- lists:seq(1, Runs)]) / hops(Size)])
     || Size <- Sizes],
    Spawn = median([spawn_exit(SpawnN) || _ <- lists:seq(1, Runs)]),
    Round = median([roundtrip(RoundN) || _ <- lists:seq(1, Runs)]),
    Skynet = median([skynet(Levels) || _ <- lists:seq(1, Runs)]),
    io:format("erlang_spawn_exit_us ~.4f~n", [Spawn / SpawnN]),
    io:format("erlang_roundtrip_us ~.4f~n", [Round / RoundN]),
    io:format("erlang_skynet_ms ~.1f~n", [Skynet / 1000]),
    io:format("erlang_bytes_per_parked_task ~.1f~n", [parked(ParkN)]),
    io:format("erlang_version ~s~n", [erlang:system_info(otp_release)]),
    io:format("erlang_schedulers ~p~n", [erlang:system_info(schedulers_online)]).

now_us() -> erlang:monotonic_time(microsecond).

median(Xs) -> lists:nth((length(Xs) + 1) div 2, lists:sort(Xs)).

collect(0, Sum) -> Sum;
collect(K, Sum) -> receive {v, V} -> collect(K - 1, Sum + V) end.

%% N children, each sends 1 to its parent and ends. The parent's N messages queue while it is
%% still spawning: kept off its heap (message_queue_data = off_heap, what Erlang's documentation
%% advises for a process that receives many messages), they are not copied by each collection of
%% the parent's heap; on the heap, spawn and exit took 30-48 us a child instead of about 5.
spawn_exit(N) ->
    Me = self(),
    Old = process_flag(message_queue_data, off_heap),
    T0 = now_us(),
    spawn_children(Me, N),
    N = collect(N, 0),
    T = now_us() - T0,
    process_flag(message_queue_data, Old),
    T.

spawn_children(_, 0) -> ok;
spawn_children(Me, K) -> spawn(fun() -> Me ! {v, 1} end), spawn_children(Me, K - 1).

%% N messages to pong and back, pong adding 1.
roundtrip(N) ->
    Me = self(),
    Pong = spawn(fun() -> pong(Me) end),
    T0 = now_us(),
    N = ping(Pong, N, 0),
    T = now_us() - T0,
    Pong ! {v, -1},
    T.

ping(_, 0, V) -> V;
ping(Pong, K, V) -> Pong ! {v, V}, receive {v, R} -> ping(Pong, K - 1, R) end.

pong(Ping) ->
    receive
        {v, -1} -> ok;
        {v, V} -> Ping ! {v, V + 1}, pong(Ping)
    end.

%% 10^Levels leaves; the sum of 0 .. 10^Levels - 1.
skynet(Levels) ->
    Me = self(),
    Size = pow10(Levels),
    Expected = Size * (Size - 1) div 2,
    T0 = now_us(),
    spawn(fun() -> node(Me, 0, Size) end),
    receive {v, Expected} -> ok end,
    now_us() - T0.

pow10(0) -> 1;
pow10(K) -> 10 * pow10(K - 1).

node(Parent, Num, 1) -> Parent ! {v, Num};
node(Parent, Num, Size) ->
    Me = self(),
    Sub = Size div 10,
    [spawn(fun() -> node(Me, Num + I * Sub, Sub) end) || I <- lists:seq(0, 9)],
    Parent ! {v, collect(10, 0)}.

%% Large messages: a binary of Size bytes bounced N times between two processes, the pong side
%% adding 1 to a counter sent with it (bench/tasks/messages.wat). A binary this large is
%% reference-counted outside the process heaps: a send passes a reference, never the bytes.
hops(Size) -> max(16, 268435456 div Size).

bounce(N, Size) ->
    Me = self(),
    Pong = spawn(fun() -> bounce_pong(Me) end),
    Bin = binary:copy(<<1>>, Size),
    T0 = now_us(),
    {N, _} = bounce_ping(Pong, N, {0, Bin}),
    T = now_us() - T0,
    Pong ! stop,
    T.

bounce_ping(_, 0, M) -> M;
bounce_ping(Pong, K, M) -> Pong ! M, receive {_, _} = R -> bounce_ping(Pong, K - 1, R) end.

bounce_pong(Ping) ->
    receive
        stop -> ok;
        {V, Bin} -> Ping ! {V + 1, Bin}, bounce_pong(Ping)
    end.

%% Memory of N processes waiting in a receive: the growth of process memory per process.
parked(N) ->
    erlang:garbage_collect(),
    Before = erlang:memory(processes),
    Pids = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, N)],
    wait_parked(Pids),
    After = erlang:memory(processes),
    [P ! stop || P <- Pids],
    (After - Before) / N.

wait_parked([]) -> ok;
wait_parked([P | Rest]) ->
    case erlang:process_info(P, status) of
        {status, waiting} -> wait_parked(Rest);
        _ -> timer:sleep(1), wait_parked([P | Rest])
    end.
