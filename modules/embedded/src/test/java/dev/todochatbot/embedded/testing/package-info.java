/** Shared test fixtures for the embedded infrastructure (the test-jar of this module). */
package dev.todochatbot.embedded.testing;
